#include "run.hpp"

int main(int argc, char* argv[]) { return apiuser::cli::run(argc, argv); }
