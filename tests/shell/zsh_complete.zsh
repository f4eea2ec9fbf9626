#!/usr/bin/env zsh
# Usage: zsh -f zsh_complete.zsh COMPLETIONS_DIR LINE...
#
# Types each LINE into a real interactive zsh (driven through zsh/zpty, with compinit loading _apiuser
# from COMPLETIONS_DIR), presses Tab, and prints the matches the completion system offers, one a line as
# "LINE<tab>MATCH", then "LINE<tab>" alone once that line is done. compadd is wrapped to report what it
# adds; everything else is zsh's own completion machinery.

emulate -L zsh
setopt err_exit
zmodload zsh/zpty

completions_dir=$1
shift
zcompdump=$(mktemp)
trap 'zpty -d apiuser_test 2>/dev/null; rm -f $zcompdump' EXIT

zpty apiuser_test zsh -f -i
zpty -w apiuser_test "PROMPT=''; RPROMPT=''; unsetopt zle_bell; fpath=(${(q)completions_dir} \$fpath)"
zpty -w apiuser_test "autoload -U compinit && compinit -u -d ${(q)zcompdump}"
zpty -w apiuser_test "zstyle ':completion:*' insert-tab false; zstyle ':completion:*' list-prompt ''"
# Tab completes as usual, then marks the end of what it printed. (Markers are written split in two, so
# that the shell's echo of these very lines never contains them.)
zpty -w apiuser_test 'apiuser-test-tab() { zle complete-word; print -r -- "DONE""<>" }; zle -N apiuser-test-tab'
zpty -w apiuser_test 'bindkey "^I" apiuser-test-tab'
# Report every match that a real (not query-only) compadd call adds, then add it as usual.
zpty -w apiuser_test 'compadd() {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
  local -a __found; builtin compadd -A __found "$@"
  local __m; for __m in $__found; do print -r -- "MATCH""<$IPREFIX$__m>"; done
  builtin compadd "$@"
}'
zpty -w apiuser_test 'print -r -- "READY""<>"'

# Reads the shell's output until a line containing `marker`, printing "prefix<tab>MATCH" for each match.
read_until() {
  local marker=$1 prefix=$2 line deadline=$(( SECONDS + 20 ))
  while (( SECONDS < deadline )); do
    if zpty -r -t apiuser_test line; then
      line=${line//$'\r'/}
      if [[ $line == *"$marker"* ]]; then
        return 0
      elif [[ -n $prefix && $line == *MATCH\<*\>* ]]; then
        line=${line#*MATCH<}
        print -r -- "$prefix"$'\t'"${line%>*}"
      fi
    else
      sleep 0.02
    fi
  done
  print -u2 "zsh_complete: timed out waiting for $marker"
  exit 2
}

read_until 'READY<>' ''
for typed in "$@"; do
  # Ctrl-U empties the line left by the previous completion, then LINE and Tab.
  zpty -w -n apiuser_test $'\C-u'"$typed"$'\t'
  read_until 'DONE<>' "$typed"
  print -r -- "$typed"$'\t'
done
