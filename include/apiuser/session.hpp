#pragma once

#include <string>

#include <apiuser/clock.hpp>
#include <apiuser/random.hpp>
#include <apiuser/store.hpp>

namespace apiuser {

// Who is acting on which store, with the time and randomness to use. Every operation takes one and
// checks the actor's permission itself, so no caller can skip the check.
struct Session {
    Store& store;
    std::string actor;  // login of the acting account user
    const Clock& clock;
    Random& random;
};

}  // namespace apiuser
