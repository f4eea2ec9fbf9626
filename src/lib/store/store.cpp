// The Store as callers see it: a location, a backend chosen by the location's form, and the held commit
// that the CLI uses to print a result before it is committed.

#include <apiuser/errors.hpp>
#include <apiuser/store.hpp>

#include "store/backend.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace apiuser {

namespace fs = std::filesystem;

namespace {

// Each switch on the kind names every kind, so that the compiler points at each one a new backend must join.
Error unknown_kind(const StoreLocation& location) {
    return Error(ErrorKind::invalid_input, "unknown kind of store location: " + location.display());
}

}  // namespace

StoreLocation::StoreLocation(fs::path path) : kind_(Kind::file), path_(std::move(path)) {}
StoreLocation::StoreLocation(const char* text) : StoreLocation(parse(text)) {}
StoreLocation::StoreLocation(const std::string& text) : StoreLocation(parse(text)) {}

StoreLocation StoreLocation::parse(std::string_view text) {
    return StoreLocation{fs::path{text}};
}

std::string StoreLocation::display() const {
    return path_.string();
}

Store::Store(std::unique_ptr<store::Backend> backend) : backend_(std::move(backend)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const StoreLocation& location, const StoreOptions& options) {
    switch (location.kind()) {
        case StoreLocation::Kind::file:
            return Store{store::sqlite::open_store(location, options)};
    }
    throw unknown_kind(location);
}

const StoreLocation& Store::location() const noexcept {
    return backend_->location();
}

void Store::hold_commits() {
    backend_->hold_commits();
}

void Store::commit_held() {
    backend_->commit_held();
}

void Store::roll_back_held() noexcept {
    backend_->roll_back_held();
}

Store store::create_store(const StoreLocation& location, const StoreOptions& options,
                          const std::function<void(Records&)>& fill) {
    switch (location.kind()) {
        case StoreLocation::Kind::file:
            return sqlite::create_store(location, options, fill);
    }
    throw unknown_kind(location);
}

std::vector<std::pair<std::string, std::string>> store::backend_library_versions() {
    return {{"SQLite", sqlite::library_version()}};
}

StoreLocation default_store_location(const char* apiuser_store, const char* xdg_data_home, const char* home) {
    if (apiuser_store != nullptr && *apiuser_store != '\0') {
        return StoreLocation::parse(apiuser_store);
    }
    // The XDG Base Directory specification says a relative $XDG_DATA_HOME is invalid and must be ignored.
    if (xdg_data_home != nullptr && *xdg_data_home == '/') {
        return fs::path{xdg_data_home} / "apiuser" / "apiuser.db";
    }
    if (home != nullptr && *home == '/') {
        return fs::path{home} / ".local" / "share" / "apiuser" / "apiuser.db";
    }
    throw Error(ErrorKind::store,
                "cannot find where the store lives: neither APIUSER_STORE, XDG_DATA_HOME nor HOME is set",
                "pass --store PATH or set APIUSER_STORE");
}

}  // namespace apiuser
