#include <apiuser/password_hash.hpp>

#include "huge_pages.hpp"
#include "run.hpp"

int main(int argc, char* argv[]) {
    // A command hashes a password or two and exits: see prefer_huge_pages_for_hashing() and
    // skip_locked_memory_pool().
    apiuser::cli::prefer_huge_pages_for_hashing(argv);
    apiuser::skip_locked_memory_pool();
    return apiuser::cli::run(argc, argv);
}
