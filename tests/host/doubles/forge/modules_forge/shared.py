"""Double of modules_forge/shared.py: where the preprocessors' weights live (models/ControlNetPreprocessor);
the fake WebUI points it at the test's folder."""

preprocessor_dir = ""
