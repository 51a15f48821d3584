"""The seed's rules as pure functions: working-day deadlines, the credit-code check, the random draw."""
