"""拟证出证 / 云签发: certificate types, sealing, rendering, ePhyto export, numbering and verification."""
