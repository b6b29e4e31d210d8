"""Product images: decoding and re-encoding (`decoding`), fetching from a URL (`fetching`)."""
