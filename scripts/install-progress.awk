# Condense pip's verbose install log to progress a person can follow:
# llama.cpp's ninja steps ("[12/193] …") as "compiling llama.cpp: 12 of 193",
# every tenth step and the last, plus pip's own result and error lines.
/^ *\[[0-9]+\/[0-9]+\]/ {
    match($0, /[0-9]+\/[0-9]+/)
    split(substr($0, RSTART, RLENGTH), step, "/")
    if (step[1] % 10 == 0 || step[1] == step[2]) {
        printf "  compiling llama.cpp: %d of %d\n", step[1], step[2]
        fflush()
    }
    next
}
/^Successfully|ERROR|^error:/ { print; fflush() }
