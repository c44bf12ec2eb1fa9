# havel_library(TARGET EXPORT_NAME NAME OUTPUT_NAME FILE [COMPONENT C] PUBLIC_HEADERS h...):
# what every library in src/ shares. COMPONENT, the CMake package component whose export set
# takes the library, defaults to NAME.
#
#   * <havel/NAME.h> in the build tree without moving a source file: forwarding headers under
#     ${CMAKE_CURRENT_BINARY_DIR}/include/havel/, as Qt makes include/QtCore/ for its modules.
#     That folder is also on the build-tree path, so in-tree code may keep the bare
#     <timermanager.h>; private `_p.h` headers get no forwarder and stay unreachable.
#   * Installed, only include/ is on the path: consumers write <havel/timermanager.h>.
#   * A shared library libhavel-NAME.so.MAJOR, exported as Havel::NAME.
#
# Used by src/timers on its own too (add_subdirectory(havel/src/timers) from another
# project): then HAVEL_VERSION and HAVEL_INSTALL are unset, so no version and no install rules.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(havel_library target)
    cmake_parse_arguments(ARG "" "EXPORT_NAME;OUTPUT_NAME;COMPONENT" "PUBLIC_HEADERS" ${ARGN})
    if(NOT ARG_COMPONENT)
        set(ARG_COMPONENT ${ARG_EXPORT_NAME})
    endif()
    set(forward_dir ${CMAKE_CURRENT_BINARY_DIR}/include)
    foreach(header IN LISTS ARG_PUBLIC_HEADERS)
        # file(CONFIGURE) rewrites the file only when its content changes: no needless rebuilds.
        file(CONFIGURE OUTPUT ${forward_dir}/havel/${header}
             CONTENT "#include \"${CMAKE_CURRENT_SOURCE_DIR}/${header}\"\n")
    endforeach()
    target_include_directories(${target} PUBLIC
        $<BUILD_INTERFACE:${forward_dir}>
        $<BUILD_INTERFACE:${forward_dir}/havel>
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    # The headers include their siblings by bare name ("timertypes.h"); installed side by side
    # in include/havel/, they still find each other.
    set_target_properties(${target} PROPERTIES
        OUTPUT_NAME ${ARG_OUTPUT_NAME}
        EXPORT_NAME ${ARG_EXPORT_NAME}
        INSTALL_RPATH "$ORIGIN" # each other, wherever the prefix is
        AUTOMOC ON) # not only through the top level's qt_standard_project_setup()
    if(HAVEL_VERSION)
        set_target_properties(${target} PROPERTIES
            VERSION ${HAVEL_VERSION} SOVERSION ${HAVEL_VERSION_MAJOR})
    endif()
    # A shared library need not pay for being one: calls inside it bind inside it (no PLT,
    # and GCC may inline them), as Qt's own libraries do. Safe for the reason Qt is: code that
    # uses Qt is built with -fPIC, so no executable takes a function's address through a PLT.
    target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-semantic-interposition>)
    target_link_options(${target} PRIVATE LINKER:-Bsymbolic-functions)
    add_library(Havel::${ARG_EXPORT_NAME} ALIAS ${target})

    if(HAVEL_INSTALL)
        install(TARGETS ${target} EXPORT Havel${ARG_COMPONENT}Targets
            LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
            ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
        list(TRANSFORM ARG_PUBLIC_HEADERS PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
        install(FILES ${ARG_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/havel)
    endif()
endfunction()
