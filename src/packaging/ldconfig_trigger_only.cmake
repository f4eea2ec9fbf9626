# Run by CPack (CPACK_POST_BUILD_SCRIPTS) on the packages it made. CPack 3.25 gives every package with a
# shared library under /usr/lib a postinst and a postrm that call ldconfig, which Debian replaced by the
# ldconfig trigger (src/packaging/debian/libapiuser0/triggers; lintian: maintscript-calls-ldconfig). Those
# two scripts, when they do nothing but that, are taken out again and the package is rebuilt as it was.
find_program(dpkg_deb dpkg-deb REQUIRED)
foreach(package IN LISTS CPACK_PACKAGE_FILES)
    if(NOT package MATCHES "\\.deb$")
        continue()
    endif()
    set(tree "${package}.tree")
    file(REMOVE_RECURSE "${tree}")
    # Under umask 022: dpkg-deb creates the control directory with the umask, and refuses a private one.
    execute_process(COMMAND sh -c "umask 022 && exec \"$0\" --raw-extract \"$1\" \"$2\"" ${dpkg_deb} ${package} ${tree}
        COMMAND_ERROR_IS_FATAL ANY)
    set(removed FALSE)
    foreach(script IN ITEMS postinst postrm)
        set(path "${tree}/DEBIAN/${script}")
        if(EXISTS "${path}")
            file(STRINGS "${path}" lines)
            list(FILTER lines EXCLUDE REGEX "^(#!/bin/sh|set -e|)$")
            list(FILTER lines EXCLUDE REGEX "ldconfig")
            list(FILTER lines EXCLUDE REGEX "^ *(if|fi|then|\\]|\\[).*")
            if(lines)
                message(FATAL_ERROR "${package}: ${script} does more than call ldconfig: ${lines}")
            endif()
            file(REMOVE "${path}")
            set(removed TRUE)
        endif()
    endforeach()
    if(removed)
        execute_process(COMMAND sh -c "umask 022 && exec \"$0\" --root-owner-group --build \"$1\" \"$2\" >/dev/null"
                ${dpkg_deb} ${tree} ${package}
            COMMAND_ERROR_IS_FATAL ANY)
    endif()
    file(REMOVE_RECURSE "${tree}")
endforeach()
