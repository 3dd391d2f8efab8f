# Read by `flask` commands run from this checkout (python-dotenv), never by gunicorn.
# A variable already set in the environment wins, so a production cron job sets
# ENVIRONMENT=production with its real secrets (see the README's "The retention schedule").
ENVIRONMENT=development
