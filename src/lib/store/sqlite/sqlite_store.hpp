#pragma once

// How store.cpp reaches the SQLite backend, without seeing SQLite.

#include <functional>
#include <memory>

#include <apiuser/store.hpp>

#include "store/backend.hpp"
#include "store/records.hpp"

namespace apiuser::store::sqlite {

// See Store::open.
std::unique_ptr<Backend> open_store(const StoreLocation& location, const StoreOptions& options);

// See store::create_store (backend.hpp).
Store create_store(const StoreLocation& location, const StoreOptions& options,
                   const std::function<void(Records&)>& fill);

// The version of the SQLite library in use.
const char* library_version() noexcept;

}  // namespace apiuser::store::sqlite
