import os

script_path = os.environ.get("IMGEDIT_TEST_WEBUI_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
data_path = os.environ.get("IMGEDIT_TEST_WEBUI_DATA", script_path)
models_path = os.path.join(data_path, "models")
extensions_dir = os.path.join(data_path, "extensions")
extensions_builtin_dir = os.path.join(script_path, "extensions-builtin")
