# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staging tree, before it becomes the package. CMake creates
# the directories that installation needs with the builder's umask (0700 under umask 077), and a package
# must not carry that to every machine it is installed on: every directory becomes 0755, as in Debian.
file(GLOB_RECURSE entries LIST_DIRECTORIES true "${CPACK_TEMPORARY_DIRECTORY}/*")
set(directories "${CPACK_TEMPORARY_DIRECTORY}")
foreach(entry IN LISTS entries)
    if(IS_DIRECTORY "${entry}" AND NOT IS_SYMLINK "${entry}")
        list(APPEND directories "${entry}")
    endif()
endforeach()
file(CHMOD ${directories}
    DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
