#pragma once

namespace apiuser::cli {

// For a command that hashes a password (create, passwd, verify): makes sure glibc's malloc backs large
// blocks with transparent huge pages, by re-executing this program once, as /proc/self/exe, with the glibc
// tunable glibc.malloc.hugetlb=1 added to GLIBC_TUNABLES (tunables are read only at start-up). Argon2's
// matrix (19 MiB by default) then takes about ten page faults instead of ~5,000, which on a virtual machine
// cost more than the hashing itself. Does nothing for other commands, when the tunable is already set (by
// the user), under an address-space limit, in glibc's secure mode (a setuid or setgid install, which drops
// the tunable), without argv, or when re-executing fails; the command then simply runs as it is. The run
// it starts knows itself by the path the kernel recorded for its execve (AT_EXECFN), never by its
// environment, so it never starts again; it takes back the name of its program file, which ps shows.
// Call it first thing in main(), before any thread starts.
void prefer_huge_pages_for_hashing(char* argv[]);

}  // namespace apiuser::cli
