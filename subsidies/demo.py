def load_demo():
    return {}
