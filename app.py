"""The web chat: ``python app.py [--host H] [--port P] [--index DIR]`` (thin glue over qa.webapp)."""

from qa.servecli import main

if __name__ == "__main__":
    main()
