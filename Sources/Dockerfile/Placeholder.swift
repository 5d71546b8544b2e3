import WharfCore
