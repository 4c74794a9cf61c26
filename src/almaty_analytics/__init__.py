"""almaty-analytics: forecasts of Almaty's population, school seats and emissions."""

__version__ = "0.1.0"
