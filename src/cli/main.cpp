#include <apiuser/password_hash.hpp>

#include "run.hpp"

int main(int argc, char* argv[]) {
    // A command hashes a password or two and exits: see skip_locked_memory_pool().
    apiuser::skip_locked_memory_pool();
    return apiuser::cli::run(argc, argv);
}
