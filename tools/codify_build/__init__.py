"""Build-time code: never in a Lambda layer (the coder layer's Makefile copies codify_coder alone).

terminology     compile the terminology assets from the pinned PyPI packages and the lexicons
default_model   the default scoring model, from the terminology and synthetic notes (synthetic)
evaluation      accuracy on gold data in CodiEsp format (codify eval, the accuracy tests)
recall          candidate recall on CodiEsp-format notes (a development measurement)
understand      counts and timings of the understand stage on a folder of notes
lock            the Lambda layers' requirements, generated from requirements.lock
"""
