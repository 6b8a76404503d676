# mtpc_add_plugin(<name> SOURCES <src>... [LINK <targets>...])
#
# Builds one mtpc plugin: a MODULE library (never linked by anyone, only dlopen'ed) named
# libmtpc_<name with '-' as '_'>.so, with hidden visibility so that only the two extern "C"
# symbols of MTPC_DEFINE_PLUGIN (and the SDK interfaces) are exported.
# In the mtpc tree it lands in the plugin directory next to the executable; out of tree it lands
# in the caller's CMAKE_LIBRARY_OUTPUT_DIRECTORY (point MTPC_PLUGIN_PATH there).
function(mtpc_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "mtpc_add_plugin(${name}): SOURCES is required")
  endif()
  string(REPLACE "-" "_" file_name "mtpc_${name}")
  add_library(${name} MODULE ${ARG_SOURCES})
  set_property(GLOBAL APPEND PROPERTY MTPC_PLUGIN_TARGETS ${name})
  if(TARGET mtpc::sdk)
    target_link_libraries(${name} PRIVATE mtpc::sdk ${ARG_LINK})
  else()
    message(FATAL_ERROR "mtpc_add_plugin: target mtpc::sdk not found (find_package(mtpc_sdk) first)")
  endif()
  set_target_properties(${name} PROPERTIES
    OUTPUT_NAME "${file_name}"
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(DEFINED MTPC_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${MTPC_PLUGIN_OUTPUT_DIR}")
  endif()
  if(DEFINED MTPC_PLUGIN_SUBDIR)
    install(TARGETS ${name} LIBRARY DESTINATION "${MTPC_PLUGIN_SUBDIR}")
  endif()
  # Fail at link time, not at dlopen time, on a missing definition.
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
endfunction()
