#include "inspector-test-utils.h"
int main (int argc, char **argv) { porthole_inspector_test_init (&argc, &argv); return g_test_run (); }
