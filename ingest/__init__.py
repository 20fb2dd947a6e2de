"""Reading, cleaning, extraction and entity resolution of Chinese governance articles."""
