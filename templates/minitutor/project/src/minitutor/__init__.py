"""minitutor: a small English tutor served over HTTP.

- ``agent``: the tutor (corrects a sentence, glosses it in Spanish);
- ``app``: the WSGI application and its waitress server (``python -m minitutor.app``);
- ``cache``: the answer cache the API serves from, kept across releases;
- ``portal``: the learner-facing HTML page built on the API's answer.
"""
