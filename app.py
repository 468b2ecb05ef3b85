"""Start the web app: `python app.py` does what `advisor serve` does."""

from advisor.app import launch
from advisor.logging_redaction import install_log_redaction
from advisor.settings import Settings

if __name__ == "__main__":
    install_log_redaction()  # no personal data in any log line
    launch(Settings())
