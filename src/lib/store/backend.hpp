#pragma once

// The seam between the domain operations and a store's technology. A Backend owns the connection, the
// transactions, the schema and the translation of its failures into apiuser::Error; the domain sees only
// Records, inside read() and write(). One folder per backend (sqlite/ today), chosen by the form of the
// StoreLocation in store.cpp.

#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <apiuser/store.hpp>

#include "store/records.hpp"

namespace apiuser::store {

class Backend {
  public:
    virtual ~Backend() = default;
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    virtual const StoreLocation& location() const noexcept = 0;

    // Runs `body` in one write transaction and commits it; on any exception everything is rolled back and
    // the exception propagates (the backend's own failures as apiuser::Error). A backend may run `body`
    // again after a transient conflict, so a body must not depend on having run before: it assigns its
    // results rather than appending to them. While commits are held (Store::hold_commits) the transaction
    // stays open instead, and a later read or write runs inside it.
    virtual void write(const std::function<void(Records&)>& body) = 0;

    // Runs `body` in one read transaction, so that it sees a single consistent snapshot. A read body runs
    // once, so it may hand rows to a caller's sink as it goes.
    virtual void read(const std::function<void(Records&)>& body) = 0;

    // See Store::hold_commits, commit_held and roll_back_held.
    virtual void hold_commits() noexcept = 0;
    virtual void commit_held() = 0;
    virtual void roll_back_held() noexcept = 0;

  protected:
    Backend() = default;
};

// Creates a new store at `location` (refusing if one exists there), writes its schema and then runs
// `fill` in the same write transaction, and commits: on any failure nothing is left behind.
Store create_store(const StoreLocation& location, const StoreOptions& options,
                   const std::function<void(Records&)>& fill);

// The name and version of each library the backends use, for `apiuser --version`.
std::vector<std::pair<std::string, std::string>> backend_library_versions();

namespace detail {

template <typename Body>
using BodyResult = std::invoke_result_t<Body&, Records&>;

template <typename Body>
BodyResult<Body> run(Body& body, void (Backend::*transaction)(const std::function<void(Records&)>&), Backend& backend) {
    using Result = BodyResult<Body>;
    if constexpr (std::is_void_v<Result>) {
        (backend.*transaction)(body);
    } else {
        std::optional<Result> result;
        (backend.*transaction)([&](Records& records) { result.emplace(body(records)); });
        return std::move(*result);
    }
}

}  // namespace detail

// Runs `body` in a read transaction of `store` and returns what it returns.
template <typename Body>
detail::BodyResult<Body> read(Store& store, Body&& body) {
    return detail::run(body, &Backend::read, store.backend());
}

// Runs `body` in a write transaction of `store` (see Backend::write: it may run more than once) and returns
// what it returns.
template <typename Body>
detail::BodyResult<Body> write(Store& store, Body&& body) {
    return detail::run(body, &Backend::write, store.backend());
}

}  // namespace apiuser::store
