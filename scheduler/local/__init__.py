"""Everything `--local`: the embedded AWS (moto in this process, its state kept on disk), a job's
handler run in this process as Lambda would run it (same wrapper, same log lines), the local
tick that plays the schedules forward, and the data a new local AWS starts with. The only
package that imports moto.

  embedded.py        moto started, its state restored and saved, nothing sent to the network
  state_file.py      that state on disk: pickled, signed with the user's key, checked first
  deferred.py        a saved service loaded only when first called
  tag_search.py      ...but a tag search loads the saved services it covers first
  enforce.py         a run with exactly the job's own permissions (an IAM stand-in for its role)
  invoke.py          one run of a job's handler here: context, environment, log events written
  handler_import.py  importing a handler from its folder as the zip would, and undoing it
  handler_output.py  what the handler prints and logs, captured as Lambda logs it
  lambda_logs.py     the log events Lambda writes for an invocation (JSON log format)
  tick.py            the fires due since the last tick, run in time order
  data.py            local-data.yaml (read and checked by scheduler/local_data/, no boto3)
                     created in a new local AWS, through a boto3 session on moto
"""
