// sluice: the command-line companion of sluiced. Argument parsing and wiring only.
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "bin/consume_command.h"
#include "config/password_hash.h"

int main(int argc, char** argv) {
  CLI::App app{"sluice: the consumer and tools for Sluice"};
  app.require_subcommand(1);
  auto* hash = app.add_subcommand("hash-password",
                                  "Read a password from stdin, print its hash for a config file");
  int iterations = 100000;
  hash->add_option("--iterations", iterations, "PBKDF2 iterations")
      ->check(CLI::Range(1000, 10000000));
  sluice::ConsumeFlags consume_flags;
  CLI::App* consume = sluice::AddConsumeCommand(app, consume_flags);
  sluice::ReconcileFlags reconcile_flags;
  CLI::App* reconcile = sluice::AddReconcileCommand(app, reconcile_flags);
  CLI11_PARSE(app, argc, argv);

  if (*consume) return sluice::RunConsume(consume_flags);
  if (*reconcile) return sluice::RunReconcile(reconcile_flags);

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
