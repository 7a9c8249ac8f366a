"""The Segment Actions runtime around the destination: schema, cleaning, validation, results."""
