"""The conversational advisor: an orchestrator that decides which tools run, fills versioned
templates with their results, lets a language model phrase only the opening, and guards every
reply before it is shown."""
