"""Custom models trained through the API: the request and status models, the training-data check, the
ModelsTable registry and model files in the ModelsBucket, the launcher of the training function, and the use
case behind /v1/models. Shared by CodifyFunction (the routes) and ModelTrainingFunction (the job)."""
