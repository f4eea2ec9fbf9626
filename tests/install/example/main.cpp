// Authenticates one API user from several threads at once through the installed library, and checks
// every result: right password accepted, wrong one and unknown user refused, each for the right reason.
//
// usage: authenticate_from_threads STORE USERNAME PASSWORD THREADS CALLS_PER_THREAD

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <apiuser/authenticator.hpp>
#include <apiuser/errors.hpp>

int main(int argc, char* argv[]) {
    if (argc != 6) {
        std::cerr << "usage: " << argv[0] << " STORE USERNAME PASSWORD THREADS CALLS_PER_THREAD\n";
        return 2;
    }
    const std::string username = argv[2];
    const std::string password = argv[3];
    const int threads = std::atoi(argv[4]);
    const int calls = std::atoi(argv[5]);
    try {
        apiuser::Authenticator authenticator{argv[1], {{}, "example-server", nullptr}};
        std::atomic<int> wrong_results{0};
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&] {
                for (int i = 0; i < calls; ++i) {
                    if (!authenticator.authenticate(username, password)) {
                        ++wrong_results;
                    }
                    if (authenticator.authenticate(username, password + "x").outcome !=
                        apiuser::AuthenticationOutcome::wrong_password) {
                        ++wrong_results;
                    }
                    if (authenticator.authenticate("apiuser-000000000000@apiconnector.com", password).outcome !=
                        apiuser::AuthenticationOutcome::unknown_user) {
                        ++wrong_results;
                    }
                }
            });
        }
        for (auto& worker : workers) {
            worker.join();
        }
        std::cout << threads * calls * 3 << " calls, " << wrong_results << " unexpected results\n";
        return wrong_results == 0 ? 0 : 1;
    } catch (const apiuser::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
