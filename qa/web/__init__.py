"""The web server: the Gradio page (chat.py), the REST and OpenAI-compatible APIs (api.py), who may
use them (auth.py), and the one process serving all of them (server.py)."""
