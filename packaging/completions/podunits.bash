# bash completion for podunits(1); installed as /usr/share/bash-completion/completions/podunits.
# Verbs, their options, pod names (the definition search path), container names (from
# `podunits status -o json`), image references (`podunits image list -o json`) and files.

_podunits_pods() {
    local dir file
    for dir in /etc/podunits/pods /run/podunits/pods /usr/lib/podunits/pods; do
        for file in "$dir"/*.yaml "$dir"/*.yml; do
            [ -e "$file" ] || continue
            file=${file##*/}; echo "${file%.y*ml}"
        done
    done 2>/dev/null | sort -u
}

_podunits_adhoc_pods() { # ad-hoc pods: running (their definition in /run) or kept (--keep)
    local file
    for file in /run/podunits/state/*/adhoc.yaml /var/lib/podunits/pods/*/adhoc.yaml; do
        [ -e "$file" ] || continue
        file=${file%/adhoc.yaml}; echo "${file##*/}"
    done 2>/dev/null | sort -u
}

_podunits_containers() { # POD: the pod's containers, as status's JSON lists them
    podunits status "$1" --output json --lines 0 2>/dev/null | sed -n 's/^      "name": "\([^"]*\)",$/\1/p'
}

_podunits_images() {
    podunits image list --output json 2>/dev/null | sed -n 's/^ *"reference": "\([^"]*\)",$/\1/p'
}

_podunits() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local verbs="list status run export rm validate stop reload logs enter attach update auto-update image volume secret gc refresh generate version"
    local verb="" sub="" pod="" i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -c|--container|-o|--output|-n|--lines|-m|--memory|--cpu|--cpus|--name|--dir|--detach-keys|--since|--until|-e|--env|--env-file|\
            -p|--port|--dns|--volume|--net|-u|--user|-w|--workdir|--hostname|--pull|--from-literal|--from-file|--ready-timeout) i=$((i + 1));;
            -*) ;;
            *) if [ -z "$verb" ]; then verb=$word
               elif { [ "$verb" = image ] || [ "$verb" = volume ] || [ "$verb" = secret ]; } && [ -z "$sub" ]; then sub=$word
               elif [ -z "$pod" ]; then pod=$word; fi;;
        esac
    done
    case $prev in
        -o|--output) COMPREPLY=($(compgen -W "text json" -- "$cur")); return;;
        -c|--container) [ -n "$pod" ] && COMPREPLY=($(compgen -W "$(_podunits_containers "$pod")" -- "$cur")); return;;
        --dir) COMPREPLY=($(compgen -d -- "$cur")); return;;
        -n|--lines|-m|--memory|--cpu|--cpus|--name|--from-literal|--detach-keys|--since|--until|-e|--env|-p|--port|--dns|--net|-u|--user|-w|--workdir|--hostname) return;;
        --pull) COMPREPLY=($(compgen -W "always missing never" -- "$cur")); return;;
        --env-file|--volume) COMPREPLY=($(compgen -f -- "$cur")); return;;
        --from-file) COMPREPLY=($(compgen -f -- "$cur")); return;;
    esac
    local options="--help --verbose"
    case $verb in
        "") COMPREPLY=($(compgen -W "$verbs --help --version" -- "$cur")); return;;
        list) options+=" --output";;
        status) options+=" --output --lines";;
        logs) options+=" --follow --container --lines --since --until --timestamps";;
        enter) options+=" --container --interactive -i --tty -t --no-tty -T --privileged";;
        attach) options+=" --detach-keys";;
        update) options+=" --container --memory --cpu";;
        run) options+=" --interactive -i --tty -t --detach-keys --entrypoint --name --hostname --env -e --workdir -w --user -u --pull --memory -m --cpus --volume --dns --env-file --keep --net --port -p";;
        validate) options+=" --ignore-file-name --output";;
        generate) options+=" --dir";;
        refresh) options+=" --dry-run --output";;
        auto-update) options+=" --dry-run --output --ready-timeout";;
        image) [ -z "$sub" ] && { COMPREPLY=($(compgen -W "fetch import list inspect export rm" -- "$cur")); return; }
               case $sub in list|inspect) options+=" --output";; import) options+=" --name";; esac;;
        volume) [ -z "$sub" ] && { COMPREPLY=($(compgen -W "list rm" -- "$cur")); return; }
               [ "$sub" = list ] && options+=" --output";;
        secret) [ -z "$sub" ] && { COMPREPLY=($(compgen -W "create list rm" -- "$cur")); return; }
               [ "$sub" = list ] && options+=" --output"; [ "$sub" = create ] && options+=" --from-literal --from-file --encrypt --replace";;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur")); return
    fi
    case $verb in
        status|stop|reload|logs|enter|update) [ -z "$pod" ] && COMPREPLY=($(compgen -W "$(_podunits_pods) $(_podunits_adhoc_pods)" -- "$cur"));;
        attach|export|rm) [ -z "$pod" ] && COMPREPLY=($(compgen -W "$(_podunits_adhoc_pods)" -- "$cur"));;
        run) COMPREPLY=($(compgen -W "$(_podunits_pods)" -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur"));;
        refresh) COMPREPLY=($(compgen -W "$(_podunits_pods)" -- "$cur"));;
        validate) COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"));;
        image) case $sub in rm|inspect) COMPREPLY=($(compgen -W "$(_podunits_images)" -- "$cur"));;
                            export) if [ -z "$pod" ]; then COMPREPLY=($(compgen -W "$(_podunits_images)" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi;;
                            import) COMPREPLY=($(compgen -f -- "$cur"));; esac;;
    esac
}
complete -F _podunits podunits
