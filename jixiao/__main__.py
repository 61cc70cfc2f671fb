"""``python -m jixiao …`` runs the command line."""

from jixiao.api.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
