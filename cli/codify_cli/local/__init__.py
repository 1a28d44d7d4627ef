"""Docker-free local stack: template.yaml parsed into moto resources, and an API Gateway-shaped front."""
