# install.cmake - what `cmake --install BUILD --prefix P` puts where, for the
# top CMakeLists.txt (docs/install.md is the reader's version of this file):
#
#   P/lib/libchancery.a, libchancery.so.0.1.0, .so.0 (SONAME), .so
#   P/lib/pkgconfig/chancery.pc        relocatable: paths from ${pcfiledir}
#   P/include/chancery.h, P/include/chancery/*.h
#   P/bin/chancery                     RPATH $ORIGIN/../lib (see below)
#   P/share/chancery/                  workflows/, templates/, focus2004/
#
# The files under share/ are copies for people and other tools (the schema to
# validate a workflow of one's own, the templates to start from): the library
# embeds its own copies at build time (engine/embed.h), so neither the
# installed tool nor a program linked with the library reads the source tree
# or share/ at run time. It also checks that include/chancery/common.h states
# the version project() gives, since chancery_version() returns the former.
include(GNUInstallDirs)

file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/include/chancery/common.h
  _chancery_version_lines REGEX "^#define CHANCERY_VERSION(_[A-Z]+)? ")
foreach(_part "" _MAJOR _MINOR _PATCH)
  if(_part STREQUAL "")
    set(_want "\"${PROJECT_VERSION}\"")
  else()
    string(REPLACE "_" "" _p "${_part}")
    set(_want "${PROJECT_VERSION_${_p}}")
  endif()
  set(_found "")
  foreach(_line IN LISTS _chancery_version_lines)
    if(_line MATCHES "^#define CHANCERY_VERSION${_part} +([^ ]+)")
      set(_found "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(NOT _found STREQUAL _want)
    message(FATAL_ERROR "include/chancery/common.h: CHANCERY_VERSION${_part} "
      "is '${_found}', project() says '${_want}': change both together")
  endif()
endforeach()

# The installed tool finds the library installed beside it, wherever the
# prefix is moved; -DCHANCERY_INSTALL_RPATH=OFF for a system prefix whose
# library folder the dynamic loader searches anyway (a distribution package).
option(CHANCERY_INSTALL_RPATH "installed tool: RPATH \$ORIGIN/../lib" ON)
if(CHANCERY_INSTALL_RPATH)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(_rpath "${CMAKE_INSTALL_LIBDIR}")
  else()
    file(RELATIVE_PATH _rel "${CMAKE_INSTALL_FULL_BINDIR}"
      "${CMAKE_INSTALL_FULL_LIBDIR}")
    set(_rpath "\$ORIGIN/${_rel}")
  endif()
  set_target_properties(chancery-cli PROPERTIES INSTALL_RPATH "${_rpath}")
endif()

# chancery.pc: prefix is found from the .pc file's own folder, so that
# `cmake --install --prefix P` (which can differ from CMAKE_INSTALL_PREFIX)
# and DESTDIR staging both give a correct file.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(CHANCERY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(CHANCERY_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH _up "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
    "${CMAKE_INSTALL_PREFIX}")
  string(REGEX REPLACE "/$" "" _up "${_up}")
  set(CHANCERY_PC_PREFIX "\${pcfiledir}/${_up}")
  set(CHANCERY_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(CHANCERY_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(CHANCERY_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/chancery.pc.in
  ${CMAKE_CURRENT_BINARY_DIR}/chancery.pc @ONLY)

install(TARGETS chancery chancery_shared chancery-cli
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/include/chancery.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/chancery
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/chancery.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(_share ${CMAKE_INSTALL_DATADIR}/chancery)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/workflows/workflow.rng
  DESTINATION ${_share}/workflows)
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/workflows/definitions
  DESTINATION ${_share}/workflows FILES_MATCHING PATTERN "*.xml")
install(FILES ${SHIPPED_TEMPLATES} DESTINATION ${_share}/templates)
install(FILES ${SAMPLE_FILES} DESTINATION ${_share}/focus2004/registry)
