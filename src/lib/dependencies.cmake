# How the core library and the apiuser binary reach Botan, SQLite, libunistring, fmt and the C++ runtime.
#
# libapiuser.so always links their shared libraries. Everything else (the apiuser binary, the tests, the
# benchmarks) links their static archives, unless APIUSER_STATIC_DEPENDENCIES is OFF or the sanitizers are
# on. A command that runs for a few milliseconds pays for every shared library at each start: with them,
# the dynamic loader resolved ~12,000 symbols of 14 libraries (Botan pulls in OpenSSL, TrouSerS, zlib,
# bzip2 and xz), 88% of the instructions of `apiuser describe`; with the archives the binary starts in a
# tenth of that (tests/bench, README "Performance"). The price: a security fix in one of these libraries
# reaches the binary when apiuser is rebuilt, as with any statically linked program.
#
# Provides: apiuser_botan and apiuser_fmt (link them instead of PkgConfig::BOTAN and fmt::fmt),
# apiuser_static_runtime (link options for executables that may use the static C++ runtime), and
# apiuser_shared_dependencies (the link items for libapiuser.so).

set(apiuser_static_dependencies OFF)
if(APIUSER_STATIC_DEPENDENCIES AND NOT APIUSER_SANITIZE)
    set(apiuser_static_dependencies ON)
endif()

add_library(apiuser_botan INTERFACE)
add_library(apiuser_fmt INTERFACE)
add_library(apiuser_static_runtime INTERFACE)

if(NOT apiuser_static_dependencies)
    target_link_libraries(apiuser_botan INTERFACE PkgConfig::BOTAN)
    target_link_libraries(apiuser_fmt INTERFACE fmt::fmt)
    set(apiuser_shared_dependencies PkgConfig::BOTAN SQLiteCpp fmt::fmt unistring::unistring)
    return()
endif()

find_package(Threads REQUIRED)
find_library(APIUSER_BOTAN_ARCHIVE libbotan-2.a REQUIRED)
find_library(APIUSER_SQLITE3_ARCHIVE libsqlite3.a REQUIRED)
find_library(APIUSER_UNISTRING_ARCHIVE libunistring.a REQUIRED)

# Botan's headers and flags from pkg-config, its archive for linking. Only the objects apiuser uses are
# taken from it (Argon2, BLAKE2b, base64, the system RNG), which need nothing else.
target_include_directories(apiuser_botan SYSTEM INTERFACE ${BOTAN_INCLUDE_DIRS})
target_compile_options(apiuser_botan INTERFACE ${BOTAN_CFLAGS_OTHER})
target_link_libraries(apiuser_botan INTERFACE ${APIUSER_BOTAN_ARCHIVE} Threads::Threads ${CMAKE_DL_LIBS})

# fmt in the headers: its shared library would bring the shared C++ runtime back.
target_link_libraries(apiuser_fmt INTERFACE fmt::fmt-header-only)

# SQLite and libunistring are redirected for every target, the tests' own SQLiteCpp included, so that a
# program never holds two copies of SQLite (each would keep its own table of POSIX locks on the store).
set(apiuser_sqlite3_shared ${SQLite3_LIBRARY})
set(apiuser_unistring_shared ${UNISTRING_LIBRARY})
set_property(TARGET SQLite::SQLite3 PROPERTY IMPORTED_LOCATION ${APIUSER_SQLITE3_ARCHIVE})
set_property(TARGET unistring::unistring PROPERTY IMPORTED_LOCATION ${APIUSER_UNISTRING_ARCHIVE})

# The C++ runtime too, for the apiuser binary only: programs that also link a shared C++ library (Google
# Benchmark) must share its runtime.
target_link_options(apiuser_static_runtime INTERFACE -static-libstdc++ -static-libgcc)

# libapiuser.so names the shared libraries before the targets: the linker then takes every symbol from
# them and nothing from the archives (which, built for executables, could not go into a shared library).
set(apiuser_shared_dependencies
    ${apiuser_sqlite3_shared} ${apiuser_unistring_shared} PkgConfig::BOTAN SQLiteCpp fmt::fmt-header-only
    unistring::unistring)
