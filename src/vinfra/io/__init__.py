"""Reading and writing designs."""
