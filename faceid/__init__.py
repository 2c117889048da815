"""Qt-free, HTTP-free face pipeline: detect, check quality, align, embed, match, decide."""
