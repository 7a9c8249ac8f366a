"""Pages of the documentation site generated from the code at build time.

``sources`` is the only module that reaches into ``reference_client`` and ``mock_ortto``;
the page modules render what it returns, and ``hook`` hands the pages to MkDocs.
"""
