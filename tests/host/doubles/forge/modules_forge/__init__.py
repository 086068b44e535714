"""Double of Forge's `modules_forge` package: its presence is how Forge is told apart from A1111."""
