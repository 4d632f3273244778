"""The follow-up note a CSM sends after the call (issue 16): model, build, render."""
