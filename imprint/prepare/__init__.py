"""An article or issue made ready for the editions: its Markdown read by Pandoc,
its front matter rendered, its words chosen (the Manuscript the writers get)."""
