import types


class NansException(Exception):
    pass


device = types.SimpleNamespace(type="cpu")


def torch_gc():
    pass
