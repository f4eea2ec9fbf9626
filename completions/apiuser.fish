# fish completion for apiuser(1). The candidates come from the program itself,
# `apiuser __complete -- WORD... CURRENT`, which knows its commands and options and reads the API users
# and members from the store the command line names. It prints one candidate a line (a tab and a
# description may follow, as fish expects), or ":file" when a path is wanted. Installed as
# share/fish/vendor_completions.d/apiuser.fish.

function __apiuser_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    # For "--option=VALUE" the candidates are values, but fish replaces the whole token.
    set -l prefix (string match -r -- '^--[^=]*=' $current; or echo '')
    set -l lines (command $words[1] __complete -- $words[2..-1] $current 2>/dev/null)
    if test (count $lines) -eq 1 -a "$lines[1]" = ':file'
        set lines (__fish_complete_path (string sub -s (math (string length -- "$prefix") + 1) -- $current))
    end
    for line in $lines
        printf '%s%s\n' $prefix $line
    end
end

complete -c apiuser -f -a '(__apiuser_complete)'
