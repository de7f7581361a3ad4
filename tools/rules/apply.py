# One-off editor used to write the audited rules into spec/pegasus.yaml (kept out of the build).
import re, sys
SPEC = 'spec/pegasus.yaml'
s = open(SPEC).read()

def rep(old, new):
    global s
    n = s.count(old)
    assert n == 1, (old[:80], n)
    s = s.replace(old, new)

def op_rules(op, text):
    """Insert `rules:` into operation op's x-pegasus, after its roles line."""
    global s
    m = re.search(r'operationId: %s\n      x-pegasus:\n        roles: \[[^\]]*\]\n' % op, s)
    assert m, op
    at = m.end()
    if s.startswith('        rules:\n', at):  # append to the rules already there
        text = text.replace('        rules:\n', '', 1)
        at += len('        rules:\n')
        while s.startswith('          ', at):
            at = s.index('\n', at) + 1
    s = s[:at] + text + s[at:]

def schema_rules(name, text):
    """Append x-pegasus-rules to components/schemas/name (before the next schema)."""
    global s
    m = re.search(r'\n    %s:\n      type: object\n' % name, s)
    assert m, name
    s = s[:m.end()] + text + s[m.end():]

exec(open(sys.argv[1]).read())
open(SPEC, 'w').write(s)
