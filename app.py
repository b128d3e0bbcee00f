"""The web chat: ``python app.py [--host H] [--port P] [--index DIR]`` (thin glue over qa.web)."""

from qa.servecli import main

if __name__ == "__main__":
    main()
