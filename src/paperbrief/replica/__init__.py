"""Local replicas of Hugging Face, arXiv and an OpenAI-compatible LLM, for tests, benchmarks and demos."""

from paperbrief.replica.server import Fault, Replica, Request, Response

__all__ = ["Fault", "Replica", "Request", "Response"]
