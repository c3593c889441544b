// sluice: the command-line companion of sluiced. Argument parsing and wiring only.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "config/password_hash.h"

int main(int argc, char** argv) {
  CLI::App app{"sluice: tools for Sluice (hash-password; consume comes with the consumer)"};
  app.require_subcommand(1);
  auto* hash = app.add_subcommand("hash-password",
                                  "Read a password from stdin, print its hash for a config file");
  int iterations = 100000;
  hash->add_option("--iterations", iterations, "PBKDF2 iterations")
      ->check(CLI::Range(1000, 10000000));
  CLI11_PARSE(app, argc, argv);

  if (*hash) {
    std::string password;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) {
      std::cerr << "sluice hash-password: empty password on stdin\n";
      return 2;
    }
    sluice::Result<std::string> hashed = sluice::HashPassword(password, iterations);
    if (!hashed.ok()) {
      std::cerr << "sluice hash-password: " << hashed.status().message() << "\n";
      return 1;
    }
    std::cout << *hashed << "\n";
  }
  return 0;
}
