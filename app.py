"""Start the web app: `python app.py` does what `advisor serve` does."""

from advisor.app import launch
from advisor.settings import Settings

if __name__ == "__main__":
    launch(Settings())
