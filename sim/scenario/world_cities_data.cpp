// The world-cities table (data/world-cities.csv, GeoNames, CC BY 4.0), assembled into the
// binary so that "placement": {"over": "cities"} works for scenarios anywhere. The path comes
// from CMake (MSGSIM_CITIES_FILE); the table ends with a NUL byte not counted in its size.
asm(".section .rodata\n"
    ".global msgsim_world_cities_begin\n"
    ".type msgsim_world_cities_begin, @object\n"
    "msgsim_world_cities_begin:\n"
    ".incbin \"" MSGSIM_CITIES_FILE
    "\"\n"
    ".global msgsim_world_cities_end\n"
    ".type msgsim_world_cities_end, @object\n"
    "msgsim_world_cities_end:\n"
    ".byte 0\n"
    ".previous\n");
